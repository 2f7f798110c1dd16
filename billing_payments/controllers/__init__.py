from . import waldur
