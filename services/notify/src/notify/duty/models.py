from opspact.roster import ShiftColumns

from notify.tables import Base


class DutyShift(ShiftColumns, Base):
    __tablename__ = "duty_shifts"
