"""Follow-up visits and satisfaction (回访/满意度): after a fault someone reported is resolved,
a follow-up is due — by SMS with a one-time link the reporter answers without logging in, or
by phone, recorded by the engineer; a low score opens a complaint ticket."""
