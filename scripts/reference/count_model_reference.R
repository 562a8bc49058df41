# Reference values for the report's count model on the embedded data
# (Tests/LayoffReportTests/CountModelSectionTests.swift), from R's MASS::glm.nb and sandwich.
#
# The events (Datasets/tech-layoffs.csv) are joined to the fundamentals
# (Datasets/company-fundamentals.csv) by company and fiscal year = the event's year; the
# model is the report's: total_laid_off ~ revenue_growth + industry (reference: the industry
# with the most matched events, "Other" aside) + factor(year) + offset(log(employees)),
# negative binomial with θ by maximum likelihood, errors clustered by company
# (sandwich::vcovCL, type HC1: G/(G−1)·(n−1)/(n−k)); and the Poisson fit's Pearson χ²/df.
#
#   Rscript scripts/reference/count_model_reference.R   (r-base-core r-cran-mass r-cran-sandwich r-cran-jsonlite)
suppressMessages({ library(MASS); library(sandwich); library(jsonlite) })
ev <- read.csv("Datasets/tech-layoffs.csv", na.strings = "", strip.white = TRUE)
fu <- read.csv("Datasets/company-fundamentals.csv", na.strings = "", strip.white = TRUE)
ev$year <- as.integer(substr(ev$date, 1, 4))
d <- merge(ev, fu[, c("company", "fiscal_year", "employees", "revenue_growth")],
           by.x = c("company", "year"), by.y = c("company", "fiscal_year"))
counts <- sort(table(d$industry), decreasing = TRUE)
counts <- counts[!(tolower(names(counts)) %in% c("other", "unknown"))]
top <- names(counts)[counts == max(counts)]
ref <- sort(top)[1]
d$industry <- relevel(factor(d$industry), ref = ref)
d$year <- factor(d$year)
u <- d[complete.cases(d[, c("total_laid_off", "revenue_growth", "employees", "industry", "year")]), ]
ctl <- glm.control(epsilon = 1e-12, maxit = 100)
nb <- glm.nb(total_laid_off ~ revenue_growth + industry + year + offset(log(employees)), data = u, control = ctl)
po <- glm(total_laid_off ~ revenue_growth + industry + year + offset(log(employees)), family = poisson, data = u, control = ctl)
vc <- vcovCL(nb, cluster = ~company, type = "HC1")
ours <- function(n) sub("^year(.*)$", "C(year)[T.\\1]", sub("^industry(.*)$", "C(industry)[T.\\1]", n))
out <- list(generator = "scripts/reference/count_model_reference.R", R = R.version.string,
            MASS = as.character(packageVersion("MASS")), sandwich = as.character(packageVersion("sandwich")),
            matched = nrow(d), n = nobs(nb), reference_industry = ref,
            names = ours(names(coef(nb))), coefficients = unname(coef(nb)), se_cluster = unname(sqrt(diag(vc))),
            theta = nb$theta, theta_se = nb$SE.theta, log_likelihood = as.numeric(logLik(nb)),
            poisson_dispersion = sum(residuals(po, type = "pearson")^2) / po$df.residual)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "Tests/LayoffReportTests/Reference/count-model.json")
cat("matched", nrow(d), "n", nobs(nb), "ref", ref, "\n")
