from datetime import date, datetime

from opspact.types import IsoDate, IsoInstant, Stripped
from pydantic import BaseModel, ConfigDict, Field, model_validator

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class Paperwork(BaseModel):
    """Security paperwork the contracts ask for (xinjiang, beijing)."""
    model_config = ConfigDict(extra="forbid")
    confidentiality_signed_on: IsoDate | None = None
    background_check_on: IsoDate | None = None
    security_trainings: list[IsoDate] = Field(default_factory=list, max_length=240,
                                           description="monthly security training attended")
    # xinjiang 1.5-1: "项目所有参与人员均要签订政治责任书、信息安全保密协议及信息安全责任书"
    political_responsibility_signed_on: IsoDate | None = None
    security_responsibility_signed_on: IsoDate | None = None


class PaperworkUpdate(BaseModel):
    """Some of Paperwork's fields: those sent replace the recorded ones."""
    model_config = ConfigDict(extra="forbid")
    confidentiality_signed_on: IsoDate | None = None
    background_check_on: IsoDate | None = None
    security_trainings: list[IsoDate] | None = Field(default=None, max_length=240)
    political_responsibility_signed_on: IsoDate | None = None
    security_responsibility_signed_on: IsoDate | None = None


class StaffUpdate(Stripped):
    """Only the fields sent change; `paperwork` fields are merged one by one. A post changes
    through a replacement (counted per contract year), not here."""
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=100)
    role: str | None = Field(default=None, min_length=1, max_length=100)
    categories: list[str] | None = Field(default=None, max_length=20)
    paperwork: PaperworkUpdate | None = Field(default=None, description=(
        "the paperwork fields to change; null clears one"))


class StaffCreate(Stripped):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=100, description="a placeholder, never a real name")
    role: str = Field(min_length=1, max_length=100, description="e.g. 驻场工程师, 项目经理")
    categories: list[str] = Field(default_factory=list, max_length=20,
                                  description="areas of responsibility, as in xinxiang's roster")
    post: str | None = Field(default=None, max_length=64)
    paperwork: Paperwork = Field(default_factory=Paperwork)


class StaffOut(StaffCreate):
    status: str
    created_at: datetime
    left_at: datetime | None


class ReplacementCreate(Stripped):
    model_config = ConfigDict(extra="forbid")
    leaving: str = Field(pattern=CODE)
    joining: str = Field(pattern=CODE, description="already registered as staff")
    reason: str = Field(min_length=1, max_length=500)


class ReplacementOut(BaseModel):
    post: str
    leaving: str
    joining: str
    reason: str
    contract_year: int = Field(description="1 for the first year of the term")
    count_in_year: int = Field(description="replacements in this contract year, this one included")
    at: datetime


class ShiftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    post: str = Field(max_length=64)
    staff: str = Field(pattern=CODE)
    starts_at: IsoInstant
    ends_at: IsoInstant

    @model_validator(mode="after")
    def _sane(self) -> "ShiftIn":
        if self.ends_at <= self.starts_at:
            raise ValueError("a shift must end after it starts")
        if (self.ends_at - self.starts_at).total_seconds() > 24 * 3600:
            raise ValueError("a shift lasts at most 24 hours")
        return self


class ShiftsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    shifts: list[ShiftIn] = Field(min_length=1, max_length=2000)


class ShiftOut(ShiftIn):
    id: int


class GapOut(BaseModel):
    post: str
    starts_at: datetime
    ends_at: datetime
    required: int
    covered: int
    hours: float


class OnDutyOut(BaseModel):
    post: str
    post_name: str
    staff: str
    name: str
    role: str
    starts_at: datetime
    ends_at: datetime


class StaffingMember(BaseModel):
    code: str
    name: str
    role: str
    post: str | None
    post_name: str | None
    categories: list[str]
    status: str
    left_at: datetime | None


class StructureRow(BaseModel):
    role: str
    count: int


class AttendanceRow(BaseModel):
    staff: str
    name: str
    post: str | None
    shifts: int = Field(description="shifts overlapping the period")
    days: int = Field(description="distinct days (Shanghai) with time on shift")
    hours: float = Field(description="hours on shift within the period")


class PostCoverage(BaseModel):
    post: str
    post_name: str
    coverage: str
    headcount: int
    required_hours: float | None = Field(description="person-hours the contract requires "
                                                     "(None: not known, see note)")
    gap_hours: float | None = Field(description="required person-hours nobody was rostered for")
    covered_percent: float | None = Field(description="None when nothing was (known to be) required")
    gaps: int | None
    note: str | None = Field(default=None, description="why the requirement is not known, e.g. "
                                                       "no working-day calendar for a year yet")


class TrainingRow(BaseModel):
    on: date
    staff: str
    name: str


class ReplacementRow(BaseModel):
    post: str
    leaving: str
    joining: str
    reason: str
    at: datetime


class RecordedPerson(BaseModel):
    """One person's attendance as recorded (check-ins, imports) against their shifts."""
    staff: str
    name: str | None
    shifts: int
    attended: int
    late: int
    absent: int
    shift_hours: float = Field(description="hours of their shifts covered by attendance")
    hours: float = Field(description="all hours checked in within the period")


class RecordedAttendance(BaseModel):
    people: list[RecordedPerson]
    uncovered_hours_by_post: dict[str, float]


class StaffingSummaryOut(BaseModel):
    """What a report says about people: the staffing table and structure, attendance
    from the roster, coverage of each contracted post, security trainings, replacements."""
    start: date
    end: date
    staff: list[StaffingMember]
    structure: list[StructureRow]
    attendance: list[AttendanceRow]
    posts: list[PostCoverage]
    trainings: list[TrainingRow]
    replacements: list[ReplacementRow]
    recorded: RecordedAttendance | None = Field(default=None, description=(
        "attendance as it happened, set against the roster; null where the tenant records none"))
