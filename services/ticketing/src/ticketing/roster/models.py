from opspact.roster import ShiftColumns

from ticketing.tables import Base


class RosterShift(ShiftColumns, Base):
    __tablename__ = "roster_shifts"
