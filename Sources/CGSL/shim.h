#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_erf.h>

/* From <gsl/gsl_randist.h>, declared here because that header pulls in GSL's
   own CBLAS enums, which clash with OpenBLAS's cblas.h in one Swift module. */
double gsl_ran_gaussian_ziggurat(const gsl_rng *r, const double sigma);
double gsl_ran_flat(const gsl_rng *r, const double a, const double b);
