from . import waldur
from . import web
