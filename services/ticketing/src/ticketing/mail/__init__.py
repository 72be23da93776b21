"""Faults taken in by email (zhuhai 二3(2): 邮件/微信/QQ), and the desk's answers sent back
in the same thread."""
