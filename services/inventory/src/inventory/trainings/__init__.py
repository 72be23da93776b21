"""Trainings as they were held (xinjiang 1.5-1: monthly security training, reported to the
client), and the watch that announces a month about to end without one."""
