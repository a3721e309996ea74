"""What is on a machine: the walk of a tree, the folders that hold copies rather than live
files, the system's profile, and saved inventories.

A scan sees a :class:`~verscan.system.interface.System`: a directory
(:mod:`.directory`) or an inventory (:mod:`.inventory`) of one.
"""
