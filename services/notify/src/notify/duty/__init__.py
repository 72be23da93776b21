"""Who is on duty: a local read model of inventory's roster, kept from
`inventory.roster.changed.v1` (each event carries the shifts added and removed), so
routing never waits on — or fails with — the inventory service."""
