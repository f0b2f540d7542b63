from kotapintar.cli import main

main()
