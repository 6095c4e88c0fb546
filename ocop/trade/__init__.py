"""Supply–demand connection: buyers register and post needs, matching certified products are
suggested, inquiries and meeting requests run to a deal or a close.
"""
