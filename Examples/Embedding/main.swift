import StatKit
import LayoffKit

// Load the embedded default data: events joined to company fundamentals.
let data = try LayoffDataset.load()
print("events:", data.events.count, "matched to fundamentals:", data.join!.matchedCount)

// Year to date as of 2024-04-03 against the same span of 2023.
let asOf = Day(parsing: "2024-04-03")!
let ytd = try YearToDate(events: data.events, asOf: asOf).rows[0]
print("YTD cut:", Int(ytd.current!.cut), "previous:", Int(ytd.previous!.cut),
      "change %:", (ytd.pctChange! * 10).rounded() / 10)

// 90-day rolling layoff rate at the end of March 2024.
let rates = try RollingRates(events: data.events, workforce: data.workforce, window: .days(90),
                             schedule: .monthEnd, from: Day(parsing: "2024-03-31"), to: asOf)
print("90-day rate at", rates.rows[0].day, "=", (rates.rows[0].rate! * 1000).rounded() / 1000, "%")

// Cut size against workforce and revenue growth, cluster-robust by company.
let table = try data.join!.regressionTable(events: data.events, fundamentals: data.fundamentalsLoad!.fundamentals)
let fit = try LinearModel.fit("log(total_laid_off) ~ log(employees) + revenue_growth",
                              data: table, covariance: .cluster("company"))
for c in fit.coefficients {
    print(c.term, "estimate", (c.estimate! * 1e4).rounded() / 1e4, "SE", (c.standardError! * 1e4).rounded() / 1e4)
}
print("n =", fit.n, "clusters =", fit.clusterCount!, "R² =", (fit.rSquared * 1e4).rounded() / 1e4)
// A coefficient by name, and other standard errors without refitting.
let elasticity = fit["log(employees)"]!.estimate!
let hc3 = try fit.with(covariance: .hc3)
print("elasticity", (elasticity * 1e4).rounded() / 1e4, "HC3 SE", (hc3["log(employees)"]!.standardError! * 1e4).rounded() / 1e4)

// The cut as a count with the workforce as exposure: a negative binomial (θ by maximum
// likelihood, as R's MASS::glm.nb), and least squares with industry and year effects absorbed.
let counts = try GeneralizedLinearModel.fit("total_laid_off ~ revenue_growth + offset(log(employees))",
                                            data: table, family: .negativeBinomial(), covariance: .cluster("company"))
print("θ =", (counts.theta! * 1e3).rounded() / 1e3, "log rate per point of growth",
      (counts["revenue_growth"]!.estimate! * 1e7).rounded() / 1e7)
let within = try FixedEffectsModel.fit("log(total_laid_off) ~ log(employees) | industry + year",
                                       data: table, covariance: .cluster("company"))
print("elasticity within industry and year", (within["log(employees)"]!.estimate! * 1e4).rounded() / 1e4)

// StatKit alone: a t-test p-value far in the tail, without 1 − cdf cancellation.
print("P(|T_30| > 20) =", StudentTDistribution(degreesOfFreedom: 30).twoSidedPValue(20))
