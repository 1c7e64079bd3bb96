package patch

import (
	"math/big"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// Exponents too long for an int64 are compared exactly, carries and
// borrows across the digit strings included.
func TestNumbersEqualLongExponents(t *testing.T) {
	long := "1" + strings.Repeat("0", 40) // 10^40
	nines := strings.Repeat("9", 40)      // 10^40 - 1
	tests := []struct {
		a, b string
		want bool
	}{
		{"1e" + long, "10e" + nines, true},     // the adjustment carries into every digit
		{"10e" + nines, "1e" + long, true},     // and the other way
		{"0.1e" + long, "1e" + nines, true},    // a borrow through every digit
		{"1e" + long, "1e" + nines, false},     // one apart
		{"1e-" + long, "10e-" + long, false},   // negative exponents
		{"1e-" + long, "0.1e-" + nines, true},  // -(10^40) = -(10^40 - 1) - 1
		{"1e-" + long, "1e" + long, false},     // opposite signs
		{"1e" + long, "1e+" + long, true},      // an explicit sign
		{"1e" + long, "1e000" + long, true},    // leading zeros in the exponent
		{"-2.5e" + long, "-25e" + nines, true}, // sign of the value kept apart
		{"-2.5e" + long, "25e" + nines, false},
		{"0e" + long, "0", true},                                   // zero, whatever its exponent
		{"1e999999999999999999", "1e1000000000000000000", false},   // 18 digits against 19
		{"10e999999999999999999", "1e1000000000000000000", true},   // 21-digit result from 18 digits
		{"1e-999999999999999999", "0.1e-999999999999999998", true}, // and downwards
	}
	for _, tt := range tests {
		if got := numbersEqual(jsonNumber(tt.a), jsonNumber(tt.b)); got != tt.want {
			t.Errorf("numbersEqual(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := numbersEqual(jsonNumber(tt.b), jsonNumber(tt.a)); got != tt.want {
			t.Errorf("numbersEqual(%s, %s) = %v, want %v", tt.b, tt.a, got, tt.want)
		}
	}
}

// A "test" of a number against one whose exponent has 900,000 digits
// (a 1 MiB body holds one) parsed the exponent into a big.Int, which costs
// the square of its length: 1.8 GB of allocation and a second of CPU for
// one request. The exponents are now compared as digit strings.
func TestNumbersEqualHugeExponentIsCheap(t *testing.T) {
	exp := strings.Repeat("7", 900_000)
	for _, value := range []string{"1e" + exp, "1e-" + exp, "-3.25e+" + exp} {
		p := []byte(`[{"op":"test","path":"/n","value":` + value + `}]`)
		_, allocated, err := applyGuarded(t, []byte(`{"n":1}`), p)
		if err == nil {
			t.Fatalf("test of 1 against %.12s… held", value)
		}
		if allocated > 64<<20 {
			t.Errorf("test against %.12s… allocated %d MB", value, allocated>>20)
		}
	}
	// Equal ones still compare equal, at the same cost.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if !numbersEqual(jsonNumber("1e"+exp), jsonNumber("0.01e"+exp[:len(exp)-1]+"9")) {
		t.Error("1e777…7 and 0.01e777…9 differ")
	}
	runtime.ReadMemStats(&after)
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 64<<20 {
		t.Errorf("comparing two 900,000-digit exponents allocated %d MB", allocated>>20)
	}
}

// addExponent gives what exact big.Int arithmetic gives, around the point
// where it switches from int64 to digit strings.
func TestAddExponentMatchesBigInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := 1 + rng.IntN(24)
		digits := make([]byte, n)
		for i := range digits {
			digits[i] = '0' + byte(rng.IntN(10))
		}
		if rng.IntN(3) == 0 { // runs of 9s and 0s make carries and borrows
			for i := range digits[1:] {
				digits[i+1] = "09"[rng.IntN(2)]
			}
		}
		e := []string{"", "+", "-"}[rng.IntN(3)] + string(digits)
		adj := rng.Int64N(2_000_000) - 1_000_000
		if rng.IntN(4) == 0 {
			adj = rng.Int64N(2_000_000_000_000_000_000) - 1_000_000_000_000_000_000 + 1
		}
		got, ok := addExponent(e, adj)
		want, _ := new(big.Int).SetString(strings.TrimPrefix(e, "+"), 10)
		want.Add(want, big.NewInt(adj))
		if !ok || got != want.String() {
			t.Fatalf("addExponent(%q, %d) = %q, %v; want %s", e, adj, got, ok, want)
		}
	}
}
