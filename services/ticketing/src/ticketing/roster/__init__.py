"""Ticketing's copy of inventory's roster (opspact.roster): whether anyone was on site
when a fault came in (xinjiang's 2 h on-site clock runs only when nobody was)."""
