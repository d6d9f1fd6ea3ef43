"""`vigie demo`: the synthetic population."""
