# R's answers for nabla's regression fixtures: lm/summary.lm, lmtest::dwtest (exact, Pan's
# algorithm) and lmtest::bgtest (Chisq and F forms).
# Usage: Rscript r_reference.R CASES_DIR
# For every CASE.csv with a CASE.spec beside it (line 1: y; line 2: regressors separated by
# spaces; line 3: "intercept" or "none"; line 4: BG order) writes CASE.r.txt, lines "key value",
# numbers with 17 significant digits, NA where R gives NA.
# Also exports the R data sets nabla uses (export mode): Rscript r_reference.R --export DIR
suppressPackageStartupMessages(library(lmtest))

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
put <- function(con, key, x) writeLines(paste(key, paste(fmt(x), collapse = " ")), con)

args <- commandArgs(trailingOnly = TRUE)
if (args[1] == "--export") {
  dir <- args[2]
  w <- function(df, name) write.csv(df, file.path(dir, paste0(name, ".csv")), row.names = FALSE)
  w(cars, "cars")
  w(data.frame(height = women$height, weight = women$weight), "women")
  w(data.frame(mpg = mtcars$mpg, wt = mtcars$wt, hp = mtcars$hp, qsec = mtcars$qsec), "mtcars")
  w(data.frame(sr = LifeCycleSavings$sr, pop15 = LifeCycleSavings$pop15,
               pop75 = LifeCycleSavings$pop75, dpi = LifeCycleSavings$dpi,
               ddpi = LifeCycleSavings$ddpi), "lifecyclesavings")
  w(trees, "trees")
  w(data.frame(stack_loss = stackloss$stack.loss, air_flow = stackloss$Air.Flow,
               water_temp = stackloss$Water.Temp, acid_conc = stackloss$Acid.Conc.), "stackloss")
  w(faithful, "faithful")
  quit(save = "no")
}

dir <- args[1]
for (spec in list.files(dir, pattern = "\\.spec$", full.names = TRUE)) {
  base <- sub("\\.spec$", "", spec)
  lines <- readLines(spec)
  yname <- lines[1]
  xnames <- strsplit(lines[2], " ")[[1]]
  xnames <- xnames[xnames != ""]
  intercept <- lines[3] == "intercept"
  order <- as.integer(lines[4])
  d <- read.csv(paste0(base, ".csv"), check.names = FALSE)
  rhs <- if (length(xnames) > 0) paste(sprintf("`%s`", xnames), collapse = " + ") else "1"
  f <- as.formula(paste(sprintf("`%s`", yname), "~", rhs, if (intercept) "" else "- 1"))
  fit <- lm(f, data = d)
  s <- summary(fit)
  con <- file(paste0(base, ".r.txt"), "w")
  writeLines(paste("r_version", gsub(" ", "_", R.version.string)), con)
  writeLines(paste("lmtest_version", as.character(packageVersion("lmtest"))), con)
  cf <- coef(fit)  # NA for aliased columns
  full <- matrix(NA_real_, nrow = length(cf), ncol = 4)
  rownames(full) <- names(cf)
  full[rownames(s$coefficients), ] <- s$coefficients
  put(con, "estimate", cf)
  put(con, "std_error", full[, 2])
  put(con, "t", full[, 3])
  put(con, "p_value", full[, 4])
  ci <- suppressWarnings(confint(fit))
  put(con, "ci_low", ci[, 1])
  put(con, "ci_high", ci[, 2])
  put(con, "r_squared", s$r.squared)
  put(con, "adj_r_squared", s$adj.r.squared)
  if (!is.null(s$fstatistic)) {
    put(con, "f_statistic", s$fstatistic[1])
    put(con, "f_p_value", pf(s$fstatistic[1], s$fstatistic[2], s$fstatistic[3], lower.tail = FALSE))
  }
  put(con, "sigma", s$sigma)
  put(con, "log_likelihood", as.numeric(logLik(fit)))
  put(con, "aic_r", AIC(fit))
  put(con, "bic_r", BIC(fit))
  put(con, "residuals", unname(residuals(fit)))
  put(con, "fitted", unname(fitted(fit)))
  n <- nrow(d)
  for (alt in c("greater", "less", "two.sided")) {
    dw <- dwtest(f, data = d, alternative = alt, exact = TRUE)
    put(con, paste0("dw_p_exact_", sub("\\.", "_", alt)), dw$p.value)
    dwa <- dwtest(f, data = d, alternative = alt, exact = FALSE)
    put(con, paste0("dw_p_normal_", sub("\\.", "_", alt)), dwa$p.value)
  }
  put(con, "dw_statistic", dw$statistic)
  bg <- bgtest(f, data = d, order = order)
  put(con, "bg_statistic", bg$statistic)
  put(con, "bg_p_value", bg$p.value)
  bgf <- bgtest(f, data = d, order = order, type = "F")
  put(con, "bg_f_statistic", bgf$statistic)
  put(con, "bg_f_p_value", bgf$p.value)
  close(con)
}
