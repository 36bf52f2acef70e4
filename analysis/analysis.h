/*
** analysis.h: private interface of the analysis library.
*/
#ifndef FOUINE_ANALYSIS_H
#define FOUINE_ANALYSIS_H

#include "fouine/analyzer.h"
#include "fouine/error.h"

#endif /* FOUINE_ANALYSIS_H */
