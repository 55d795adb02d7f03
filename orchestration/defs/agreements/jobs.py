"""The agreements' texts are checked before a year's run: their findings gate the payouts."""

import dagster as dg

from orchestration.defs.agreements.assets import raw_agreements

agreement_check_job = dg.define_asset_job(
    name="agreement_check_job",
    selection=dg.AssetSelection.assets(raw_agreements),
    description="Kontrollerer avtaletekstene og laster funnene (før årets kjøring).",
)
