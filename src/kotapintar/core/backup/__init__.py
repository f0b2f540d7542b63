"""Backup and restore of a whole installation: database, media, and the keys kept outside the database.

`kotapintar backup --out DIR` writes one folder:

    manifest.json     format, time, engine, migration heads, sha256 and size of every other file
    database.dump     PostgreSQL custom-format dump (pg_dump -Fc)   — or —
    database.sqlite3  SQLite copy made with the online backup API
    media/…           MEDIA_ROOT (uploaded files, citizen report photos)
    keys.sealed       the key material of core.keys.KEY_MATERIAL, sealed with a passphrase
                      (scrypt + AES-256-GCM, the manifest as associated data)

`kotapintar restore DIR` checks everything first (hashes, engine, migrations known to this version,
an empty target, the passphrase) and only then writes the database, the media and the keys.
"""
