"""Batik passport rewards: configured by the tourism office, redeemed once per holder."""

import pytest

from kotapintar.batik import services
from kotapintar.batik.errors import NotEnoughStamps, RewardAlreadyRedeemed, RewardOutOfStock
from kotapintar.batik.models import Stamp
from kotapintar.core.errors import PermissionDenied
from tests.batik.conftest import CARD

pytestmark = pytest.mark.django_db
HOLDER = f"card:{CARD}"


def _stamps(n):
    from django.utils import timezone

    for i in range(n):
        Stamp.objects.create(
            holder_key=HOLDER, card_number=CARD, scope=f"venue:v{i}", created_at=timezone.now()
        )


@pytest.fixture
def voucher(staff):
    return services.reward_upsert(
        actor=staff, code="voucher-5", name_id="Voucher Rp25.000", stamps_required=5
    )


def test_reward_needs_enough_stamps(voucher):
    _stamps(4)
    with pytest.raises(NotEnoughStamps):
        services.reward_redeem(actor=None, reward_code=voucher.code, holder=HOLDER)


def test_reward_redeemed_with_five_stamps_gives_a_voucher(voucher):
    _stamps(5)
    result = services.reward_redeem(actor=None, reward_code=voucher.code, holder=HOLDER)
    assert result.voucher_code.startswith("BTK-")
    voucher.refresh_from_db()
    assert voucher.redeemed_count == 1


def test_reward_is_redeemed_only_once(voucher):
    _stamps(6)
    services.reward_redeem(actor=None, reward_code=voucher.code, holder=HOLDER)
    with pytest.raises(RewardAlreadyRedeemed):
        services.reward_redeem(actor=None, reward_code=voucher.code, holder=HOLDER)


def test_reward_out_of_stock(voucher):
    voucher.stock = 0
    voucher.save()
    _stamps(5)
    with pytest.raises(RewardOutOfStock):
        services.reward_redeem(actor=None, reward_code=voucher.code, holder=HOLDER)


def test_only_the_tourism_office_configures_rewards(make_user):
    with pytest.raises(PermissionDenied):
        services.reward_upsert(actor=make_user(), code="x", name_id="X", stamps_required=3)
