"""The repair register (beijing 三2(4)/(5)): each repair, who bears it under the clause,
totals per party and contract year."""
