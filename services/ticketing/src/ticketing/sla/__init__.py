"""SLA clocks: the contract's promises per ticket, counted on the tenant's calendar."""
