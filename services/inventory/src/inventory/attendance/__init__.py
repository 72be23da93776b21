"""Attendance as it happened (考勤): engineers check in and out, and it is set against the
roster — late, absent, hours, posts left uncovered (beijing and xinjiang assess attendance,
not the roster)."""
