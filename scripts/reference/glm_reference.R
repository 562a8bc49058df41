#!/usr/bin/env Rscript
# Reference values for StatKit's generalized linear models
# (Tests/StatKitTests/GLMReferenceTests.swift), from R's glm, MASS::glm.nb and sandwich.
#
# Writes Tests/StatKitTests/Reference/glm.csv, a generated panel of firms (firm, year,
# industry, employees, growth, cut, laidoff) and glm.json with, per model: coefficients,
# standard errors (classical; HC0, HC1, HC3 from sandwich::vcovHC; cluster by firm from
# vcovCL with type = "HC1", i.e. G/(G − 1)·(n − 1)/(n − k) as statsmodels' GLM and Stata),
# deviance, null deviance, Pearson χ²,
# log-likelihood, AIC, BIC and, for the negative binomial, θ and its standard error.
#
#   Rscript scripts/reference/glm_reference.R      (Debian: r-base-core r-cran-mass r-cran-sandwich r-cran-jsonlite)
suppressMessages({ library(MASS); library(sandwich); library(jsonlite) })
set.seed(20261207)
out <- "Tests/StatKitTests/Reference"
firms <- 150; years <- 2015:2024
d <- expand.grid(firm = sprintf("F%03d", 1:firms), year = years, stringsAsFactors = FALSE)
d <- d[sample(nrow(d), round(0.85 * nrow(d))), ]
d <- d[order(d$firm, d$year), ]
n <- nrow(d)
industry <- setNames(sample(c("Finance", "Hardware", "Media", "Retail", "Software"), firms, replace = TRUE), sprintf("F%03d", 1:firms))
d$industry <- industry[d$firm]
size <- setNames(exp(rnorm(firms, 8, 1.5)), sprintf("F%03d", 1:firms))
d$employees <- round(size[d$firm] * exp(rnorm(n, 0, 0.1)))
d$growth <- round(rnorm(n, 5, 12), 1)
eff <- c(Finance = 0, Hardware = 0.4, Media = 0.2, Retail = -0.3, Software = 0.5)
mu <- d$employees * exp(-4 + 0.02 * (d$year - 2020) - 0.03 * d$growth + eff[d$industry])
d$cut <- rnbinom(n, size = 0.8, mu = mu)
d$laidoff <- as.integer(d$cut > 0)
rownames(d) <- NULL
write.csv(d, file.path(out, "glm.csv"), row.names = FALSE)
d <- read.csv(file.path(out, "glm.csv"))

describe <- function(fit, label, family) {
  se <- function(v) sqrt(diag(v))
  r <- list(label = label, family = family, names = names(coef(fit)), coefficients = unname(coef(fit)),
            se = unname(se(vcov(fit))),
            se_HC0 = unname(se(vcovHC(fit, type = "HC0"))), se_HC1 = unname(se(vcovHC(fit, type = "HC1"))),
            se_HC3 = unname(se(vcovHC(fit, type = "HC3"))), se_cluster = unname(se(vcovCL(fit, cluster = ~firm, type = "HC1"))),
            deviance = deviance(fit), null_deviance = fit$null.deviance,
            pearson = sum(residuals(fit, type = "pearson")^2), loglik = as.numeric(logLik(fit)),
            aic = AIC(fit), bic = BIC(fit), n = nobs(fit))
  if (!is.null(fit$theta)) { r$theta <- fit$theta; r$theta_se <- fit$SE.theta }
  r
}
ctl <- glm.control(epsilon = 1e-12, maxit = 100)
fits <- list(
  describe(glm(cut ~ growth + industry + offset(log(employees)), family = poisson, data = d, control = ctl),
           "poisson offset", "poisson"),
  describe(glm.nb(cut ~ growth + industry + offset(log(employees)), data = d, control = ctl),
           "negbin offset", "negbin"),
  describe(glm(laidoff ~ log(employees) + growth, family = binomial(link = "logit"), data = d, control = ctl),
           "logit", "logit"),
  describe(glm(laidoff ~ log(employees) + growth, family = binomial(link = "probit"), data = d, control = ctl),
           "probit", "probit"),
  describe(glm(log1p(cut) ~ growth + log(employees), family = gaussian, data = d, control = ctl),
           "gaussian", "gaussian"))
writeLines(toJSON(list(generator = "scripts/reference/glm_reference.R", R = R.version.string,
                       MASS = as.character(packageVersion("MASS")), sandwich = as.character(packageVersion("sandwich")),
                       fits = fits), auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out, "glm.json"))
