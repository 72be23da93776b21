"""Tickets: incidents (故障), service requests and consultations (咨询)."""
