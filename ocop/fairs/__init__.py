"""Trade fairs, exhibitions and honouring events: the calendar, exhibitor applications reviewed by
the office, booth allocation and the results reported after the event.
"""
