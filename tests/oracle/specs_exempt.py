"""Registered ops without an oracle entry, each with the reason.  Keep this list small."""
EXEMPT = {
    # name: reason
}
