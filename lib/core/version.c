/*
** version.c: fouine_version(), the version the library was built as.
*/
#include "fouine/fouine.h"

const char *fouine_version(void)
{
    return FOUINE_VERSION_STRING;
}

int fouine_version_number(void)
{
    return FOUINE_VERSION_NUMBER;
}
