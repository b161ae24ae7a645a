package strategy

import "math"

// regIncBeta is the regularized incomplete beta function I_x(a, b), the CDF of Beta(a, b) at x,
// for a, b > 0. y must be 1-x, passed separately so that x near 1 keeps its precision. It
// evaluates the continued fraction of Numerical Recipes (betai, betacf) by the modified Lentz
// method, on the side of the mean where it converges fast.
func regIncBeta(a, b, x, y float64) float64 { return incBeta(a, b, logBeta(a, b), x, y) }

// incBeta is regIncBeta with lb = log B(a, b) computed by the caller, once per distribution.
func incBeta(a, b, lb, x, y float64) float64 {
	switch {
	case x <= 0:
		return 0
	case y <= 0:
		return 1
	}
	front := math.Exp(a*math.Log(x) + b*math.Log(y) - lb)
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, y)/b
}

// logBeta is log B(a, b) for a, b > 0.
func logBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// betaCF evaluates the continued fraction of I_x(a, b) by the modified Lentz method. It needs
// O(sqrt(max(a, b))) terms, hence the generous bound.
func betaCF(a, b, x float64) float64 {
	const (
		eps   = 1e-15
		tiny  = 1e-300
		extra = 200
	)
	maxIter := extra + int(20*math.Sqrt(max(a, b)))
	fix := func(v float64) float64 {
		if math.Abs(v) < tiny {
			return tiny
		}
		return v
	}
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1/fix(1-qab*x/qap)
	h := d
	for m := 1; m <= maxIter; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 / fix(1+aa*d)
		c = fix(1 + aa/c)
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 / fix(1+aa*d)
		c = fix(1 + aa/c)
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}
