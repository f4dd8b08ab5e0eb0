"""Phản ánh, kiến nghị of citizens: intake without an account, a tracking code, handling by a
unit within a deadline in working days, the leader's approval, the answer sent to the citizen
and, when public, published with personal data removed."""
