"""The credential custody register (账号保管登记): which accounts exist where, who keeps them."""
