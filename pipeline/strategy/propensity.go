package strategy

import "math"

// Thompson sampling picks arm i when its posterior draw is the largest, so its propensity is
//
//	P(i) = ∫ f_i(x) Π_{j≠i} F_j(x) dx
//
// over the Beta densities f and CDFs F of the arms. The integral is taken in y = logit(x), where
// every Beta density is smooth and log-concave (x^a (1-x)^b, no singularity for a or b below 1,
// exponential tails), over the range where f_i has mass, by adaptive Gauss-Kronrod (7, 15)
// quadrature. It is deterministic: the same posteriors give the same propensities.

// quadTol bounds the absolute error of one arm's propensity, as estimated by the difference of
// the Gauss and Kronrod rules (which overstates it by orders of magnitude): a ten-thousandth of
// a propensity of 1e-4.
const quadTol = 1e-8

// tailDrop is how far below its peak (in log density) an arm's range of integration ends: by
// log-concavity the mass left outside is below e^-tailDrop of the peak's.
const tailDrop = 45

// maxDepth bounds the bisections of one interval of the quadrature.
const maxDepth = 40

// exactPropensities returns, per arm, the probability that its draw from Beta(alpha[i], beta[i])
// is the largest.
func exactPropensities(alpha, beta []float64) []float64 {
	lb := make([]float64, len(alpha))
	for i := range alpha {
		lb[i] = logBeta(alpha[i], beta[i])
	}
	p := make([]float64, len(alpha))
	for i := range alpha {
		p[i] = armMax(alpha, beta, lb, i)
	}
	return p
}

// armMax is P(arm i's draw is the largest); lb holds log B(alpha, beta) of every arm.
func armMax(alpha, beta, lb []float64, i int) float64 {
	a, b := alpha[i], beta[i]
	logDensity := func(y float64) float64 { return a*logSigmoid(y) + b*logSigmoid(-y) - lb[i] }
	f := func(y float64) float64 {
		v := math.Exp(logDensity(y))
		if v == 0 {
			return 0
		}
		x, x1 := math.Exp(logSigmoid(y)), math.Exp(logSigmoid(-y))
		for j := range alpha {
			if j == i {
				continue
			}
			if v *= incBeta(alpha[j], beta[j], lb[j], x, x1); v == 0 {
				return 0
			}
		}
		return v
	}
	mode := math.Log(a / b)
	top := logDensity(mode)
	step := math.Sqrt(1/a + 1/b)
	reach := func(dir float64) float64 {
		t := step
		for logDensity(mode+dir*t) > top-tailDrop {
			t *= 2
		}
		return mode + dir*t
	}
	lo, hi := reach(-1), reach(1)
	const pieces = 8
	w := (hi - lo) / pieces
	var sum float64
	for k := range pieces {
		sum += adaptiveGK(f, lo+float64(k)*w, lo+float64(k+1)*w, quadTol/pieces, maxDepth)
	}
	return sum
}

// adaptiveGK integrates f over [lo, hi] to within tol, bisecting where the 7-point Gauss and
// 15-point Kronrod estimates disagree by more than an interval's share of tol.
func adaptiveGK(f func(float64) float64, lo, hi, tol float64, depth int) float64 {
	k, g := gaussKronrod(f, lo, hi)
	if math.Abs(k-g) <= tol || depth == 0 {
		return k
	}
	mid := (lo + hi) / 2
	return adaptiveGK(f, lo, mid, tol/2, depth-1) + adaptiveGK(f, mid, hi, tol/2, depth-1)
}

// Nodes and weights of the Gauss-Kronrod (7, 15) rule on [-1, 1] (QUADPACK qk15): kronrodX[7]
// is the centre, and the odd-indexed nodes are the 7-point Gauss rule's, with gaussW.
var (
	kronrodX = [8]float64{
		0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
		0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
		0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
		0.207784955007898467600689403773245, 0,
	}
	kronrodW = [8]float64{
		0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
		0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
		0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
		0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
	}
	gaussW = [4]float64{ // for kronrodX[1], [3], [5] and the centre
		0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
		0.381830050505118944950369775488975, 0.417959183673469387755102040816327,
	}
)

// gaussKronrod returns the 15-point Kronrod and the 7-point Gauss estimates of f over [lo, hi].
func gaussKronrod(f func(float64) float64, lo, hi float64) (k, g float64) {
	c, h := (lo+hi)/2, (hi-lo)/2
	fc := f(c)
	k, g = kronrodW[7]*fc, gaussW[3]*fc
	for j := range 7 {
		s := f(c-h*kronrodX[j]) + f(c+h*kronrodX[j])
		k += kronrodW[j] * s
		if j%2 == 1 {
			g += gaussW[j/2] * s
		}
	}
	return k * h, g * h
}

// logSigmoid is log(1/(1+e^-y)) without overflow or loss of precision in either tail.
func logSigmoid(y float64) float64 {
	if y > 0 {
		return -math.Log1p(math.Exp(-y))
	}
	return y - math.Log1p(math.Exp(y))
}
