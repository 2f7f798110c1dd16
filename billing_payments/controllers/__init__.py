from . import spaceinvoices
from . import waldur
from . import web
