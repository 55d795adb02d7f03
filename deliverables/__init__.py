"""What people read: annual reports, the county overview and payout files, from the marts only.

Plain Python, no Dagster; every figure comes from a mart, none is computed here.
"""
