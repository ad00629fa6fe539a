from hrbpo.core.plugins.hookspecs import hookimpl
from hrbpo.core.plugins.manager import emit, plugins
from hrbpo.core.plugins.types import (AuditWords, Card, Chart, NavItem, PeriodicTask, Permission, PluginMeta, Task,
                                      WorkItem)

__all__ = ["AuditWords", "Card", "Chart", "NavItem", "PeriodicTask", "Permission", "PluginMeta", "Task", "WorkItem",
           "emit", "hookimpl", "plugins"]
