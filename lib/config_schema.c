/* stub */
#include "config.h"
int config_schema_stub_;
