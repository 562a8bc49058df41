import Foundation
import Testing
@testable import StatKit

/// The per-row pieces IRLS uses in their faster forms against their plain ones: the unit
/// deviance from `η` and a stored `log y`, the log-likelihood split into a part of the
/// response alone and a part of the mean, θ's maximum likelihood from the last estimate
/// and from R's moment start.
@Suite("GLM: per-row pieces against their plain forms")
struct GLMKernelTests {
    static let responses: [Double] = [0, 0.25, 0.5, 1, 2, 3, 7, 40, 1234, 84_240]
    static let etas: [Double] = [-40, -12, -3, -0.5, 0, 0.7, 2.5, 6, 11.3]

    @Test("the deviance from η and log y is the plain deviance",
          arguments: [GLMFamily.poisson, .negativeBinomial(theta: 1.2), .negativeBinomial(theta: 40), .logit])
    func devianceFromEta(_ family: GLMFamily) {
        let model = GLMModel(family)
        for y in Self.responses where model.valid(y) {
            for eta in Self.etas {
                let mu = model.mu(eta)
                let plain = model.deviance(y, mu)
                let fast = model.deviance(y, mu, eta: eta, logY: y > 0 ? log(y) : 0)
                // Both sum terms of the size of y·|log μ|: agreement to rounding at that scale.
                let scale = max(abs(plain), y * abs(log(mu)) + abs(y - mu), 1e-300)
                #expect(abs(fast - plain) <= 1e-13 * scale, "\(family) y \(y) η \(eta): \(fast) vs \(plain)")
            }
        }
    }

    @Test("the log-likelihood is its constant part plus its kernel",
          arguments: [GLMFamily.poisson, .negativeBinomial(theta: 1.2), .logit])
    func likelihoodParts(_ family: GLMFamily) {
        let model = GLMModel(family)
        let weights: [Double] = [1, 1, 2, 1, 1, 3, 1, 1, 1, 1]
        var direct = 0.0, kernel = 0.0, ys: [Double] = [], ws: [Double] = []
        // 0/1 outcomes for the binomial (one trial each).
        for (k, y) in Self.responses.enumerated() where model.valid(y) && (family.name != "binomial" || y == 0 || y == 1) {
            for eta in Self.etas {
                let mu = model.mu(eta), w = family.name == "binomial" ? 1 : weights[k]
                // R's formulas, written out.
                switch family {
                case .poisson: direct += w * (y * log(mu) - mu - lgamma(y + 1))
                case .negativeBinomial(let t?):
                    direct += w * (lgamma(t + y) - lgamma(t) - lgamma(y + 1) + t * log(t) + y * log(mu + (y == 0 ? 1 : 0)) - (t + y) * log(t + mu))
                default: direct += (y == 0 ? 0 : y * log(mu)) + (y == 1 ? 0 : (1 - y) * log(1 - mu))
                }
                kernel += model.likelihoodKernel(y, mu, weight: w)
                ys.append(y); ws.append(w)
            }
        }
        let constant = GLMModel.Responses(y: ys, weights: ws).likelihoodConstant(model)
        #expect(abs(constant + kernel - direct) <= 1e-12 * abs(direct), "\(family): \(constant + kernel) vs \(direct)")
    }

    @Test("θ from the last estimate is θ from R's start")
    func thetaFromLastEstimate() {
        var y: [Double] = [], mu: [Double] = []
        for i in 0..<2000 {
            let m = 0.5 + Double((i * 7919) % 400) / 10
            mu.append(m)
            y.append(Double((i * 104_729) % Int(3 * m + 1)))
        }
        let cold = GLMModel.thetaML(y: y, mu: mu, weights: nil)
        for start in [cold.theta * 0.8, cold.theta * 1.1, cold.theta] {
            let warm = GLMModel.thetaML(y: y, mu: mu, weights: nil, from: start)
            #expect(abs(warm.theta - cold.theta) <= 1e-11 * cold.theta && abs(warm.se - cold.se) <= 1e-9 * cold.se)
        }
    }
}
