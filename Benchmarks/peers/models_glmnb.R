# MASS::glm.nb on the counts file of models_data.py: the second peer of the negative
# binomial benchmark (the algorithm StatKit follows: IRLS at θ, θ by ML, alternated).
#
#   Rscript models_glmnb.R FILE [runs]     # library: read once (not timed), time glm.nb `runs` times
#   Rscript models_glmnb.R FILE --cli      # whole process: read + fit + coefficient table, once
#
# Reading uses data.table::fread when it is installed (read.csv otherwise).
suppressPackageStartupMessages(library(MASS))
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
cli <- length(args) > 1 && args[2] == "--cli"
runs <- if (!cli && length(args) > 1) as.integer(args[2]) else 3L
read <- function(p) {
  if (requireNamespace("data.table", quietly = TRUE)) as.data.frame(data.table::fread(p)) else read.csv(p)
}
fit <- function(d) glm.nb(y ~ x1 + x2 + x3 + x4 + x5 + offset(log(employees)), data = d)
if (cli) {
  m <- fit(read(path))
  print(coef(summary(m)))
  cat("theta", m$theta, "se", m$SE.theta, "\n")
} else {
  d <- read(path)
  for (r in seq_len(runs)) {
    t <- system.time(m <- fit(d))[["elapsed"]]
    cat(sprintf("time_ms %.1f\n", 1000 * t))
  }
  s <- coef(summary(m))
  names <- c("(Intercept)", rownames(s)[-1])
  for (k in seq_len(nrow(s))) cat(sprintf("coef %s %.17g %.17g\n", names[k], s[k, 1], s[k, 2]))
  cat(sprintf("extra theta %.17g\nextra theta_se %.17g\nextra iterations %d\n", m$theta, m$SE.theta, m$iter))
}
