"""Effort budgets the contract grants (zhuhai: 3 person-months of 功能升级改造; beijing: 48
person-months of 小规模升级改造, each under 2): what was used, counted from the work log
entries booked against changes of the budget's kinds, and a warning before it runs out."""
