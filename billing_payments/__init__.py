from . import models
from . import controllers
from .hooks import pre_init_hook
