/*
** error.c: messages for the FOUINE_* error codes.
*/
#include "fouine/error.h"

const char *fouine_errmsg(int rc)
{
    switch (rc) {
    case FOUINE_OK:
        return "success";
    case FOUINE_ENOMEM:
        return "out of memory";
    case FOUINE_EINVAL:
        return "invalid argument";
    case FOUINE_EIO:
        return "input/output error";
    case FOUINE_EDB:
        return "database error";
    case FOUINE_ESCHEMA:
        return "index of another schema version";
    case FOUINE_ESTOP:
        return "stopped";
    case FOUINE_ENOTFOUND:
        return "no such article";
    default:
        return "unknown error";
    }
}
