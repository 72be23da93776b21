"""The liquidated-damages ledger (违约金台账): inputs kept, entries re-assessed from them."""
