package patch

import (
	"errors"
	"strings"
	"testing"
)

// bigArrayDoc is a document whose one array has n elements, as a stored
// object of up to 1 MiB can hold (400,000 zeros are 800 KB).
func bigArrayDoc(n int) []byte {
	return []byte(`{"a":[` + strings.TrimSuffix(strings.Repeat("0,", n), ",") + `],"n":1}`)
}

func repeatOps(op string, n int) []byte {
	return []byte("[" + strings.TrimSuffix(strings.Repeat(op+",", n), ",") + "]")
}

// Every insert into an array, and every remove from it, moves the elements
// after it. On an array of 400,000 elements a 1 MiB patch of 20,000 inserts
// at its front moved 8·10^9 elements: 4.8 s of CPU for one request (the
// store's write lock held meanwhile), and as much again for removes. The
// tree engine now counts the elements its inserts and removes move, and
// refuses a patch that would move more than maxArrayShift.
func TestJSONPatchArrayShiftsAreBounded(t *testing.T) {
	doc := bigArrayDoc(400_000)
	for name, p := range map[string][]byte{
		"inserts at the front": repeatOps(`{"op":"add","path":"/a/0","value":1}`, 20_000),
		"removes at the front": repeatOps(`{"op":"remove","path":"/a/0"}`, 20_000),
		"moves to the end":     repeatOps(`{"op":"move","from":"/a/0","path":"/a/-"}`, 20_000),
	} {
		_, err := JSONPatch(doc, p, Options{})
		if !errors.Is(err, ErrInvalidPatch) {
			t.Errorf("%s: err = %v, want ErrInvalidPatch", name, err)
		} else if !strings.Contains(err.Error(), "array") {
			t.Errorf("%s: the error does not say why: %v", name, err)
		}
	}
	// The same operations on a small array are applied, as are appends
	// ("-"), which move nothing, and many inserts into a new array.
	small := []byte(`{"a":[1,2,3],"n":1}`)
	for name, p := range map[string][]byte{
		"inserts at the front": repeatOps(`{"op":"add","path":"/a/0","value":1}`, 4000),
		"moves to the end":     repeatOps(`{"op":"move","from":"/a/0","path":"/a/-"}`, 20_000),
	} {
		if _, err := JSONPatch(small, p, Options{}); err != nil {
			t.Errorf("%s on a small array: %v", name, err)
		}
	}
	if _, err := JSONPatch(doc, repeatOps(`{"op":"add","path":"/a/-","value":1}`, 20_000), Options{}); err != nil {
		t.Errorf("appends to a large array: %v", err)
	}
}

// evanphx/json-patch allocates a new array for every insert into it and
// every remove from it (an append excepted): 256 inserts at the front of an
// array of 400,000 elements, a 12 KB patch, allocated 919 MB. A patch with
// more than libraryMaxArrayOps such operations goes to the tree engine,
// which moves the elements in place.
func TestManyArrayInsertsDoNotGoToTheLibrary(t *testing.T) {
	doc := bigArrayDoc(400_000)
	p := repeatOps(`{"op":"add","path":"/a/0","value":1}`, libraryMaxOps)
	out, allocated, err := applyGuarded(t, doc, p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), `{"a":[1,1,`) {
		t.Fatalf("result starts %.20s", out)
	}
	if allocated > 256<<20 {
		t.Errorf("%d inserts into an array of 400,000 allocated %d MB", libraryMaxOps, allocated>>20)
	}

	ops, err := parseOps(repeatOps(`{"op":"remove","path":"/a/1"}`, libraryMaxArrayOps))
	if err != nil {
		t.Fatal(err)
	}
	if !libraryCanApply(doc, ops) {
		t.Errorf("%d removes went to the tree engine; up to the limit they are the library's", libraryMaxArrayOps)
	}
	more, err := parseOps(repeatOps(`{"op":"move","from":"/a/1","path":"/b"}`, libraryMaxArrayOps+1))
	if err != nil {
		t.Fatal(err)
	}
	if libraryCanApply(doc, more) {
		t.Errorf("%d moves out of an array went to the library", libraryMaxArrayOps+1)
	}
	appends, err := parseOps(repeatOps(`{"op":"add","path":"/a/-","value":1}`, libraryMaxOps))
	if err != nil {
		t.Fatal(err)
	}
	if !libraryCanApply(doc, appends) {
		t.Error("appends went to the tree engine: the library appends in place")
	}
}
