package multistore_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// duplicateRegistrationID is the answer to a registration whose id another
// registration has.
const duplicateRegistrationID = `{"fieldErrors":{"registration.id":[{"code":"[duplicate]registration.id","message":"A registration with this [registration.id] already exists."}]}}`

// A registration id is unique across all registrations on every store: a
// create (alone or with its user) that reuses one is 400 and stores nothing;
// PUT keeps the stored id whatever the body says.
func TestRegistrationIDIsUniqueOnEveryStore(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			n := rvNodes(t, k, 1)[0]
			a := rvStr(n.do("POST", "/api/application", `{"application":{"name":"a"}}`).m(t, "application"), "id")
			b := rvStr(n.do("POST", "/api/application", `{"application":{"name":"b"}}`).m(t, "application"), "id")
			u := rvStr(n.do("POST", "/api/user", `{"user":{"email":"u@example.com"}}`).m(t, "user"), "id")
			v := rvStr(n.do("POST", "/api/user", `{"user":{"email":"v@example.com"}}`).m(t, "user"), "id")
			const taken = "5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c"
			reg := n.do("POST", "/api/user/registration/"+u, `{"registration":{"id":"`+taken+`","applicationId":"`+a+`"}}`).m(t, "registration")
			require.Equal(t, taken, rvStr(reg, "id"))

			r := n.do("POST", "/api/user/registration/"+v, `{"registration":{"id":"`+taken+`","applicationId":"`+a+`"}}`)
			assert.Equal(t, 400, r.Code)
			assert.JSONEq(t, duplicateRegistrationID, r.Body)
			assert.Equal(t, 404, n.do("GET", "/api/user/registration/"+v+"/"+a, "").Code, "nothing stored")

			r = n.do("POST", "/api/user/registration/"+u, `{"registration":{"id":"`+taken+`","applicationId":"`+b+`"}}`)
			assert.Equal(t, 400, r.Code)
			assert.JSONEq(t, duplicateRegistrationID, r.Body, "the same user's registration to another application")
			assert.Equal(t, 404, n.do("GET", "/api/user/registration/"+u+"/"+b, "").Code, "nothing stored")

			r = n.do("POST", "/api/user/registration/"+u, `{"registration":{"id":"`+taken+`","applicationId":"`+a+`"}}`)
			assert.Equal(t, 400, r.Code)
			assert.Contains(t, r.Body, `"[duplicate]registration.applicationId"`, "sent again: the user is registered already, whatever the store")
			assert.NotContains(t, r.Body, "registration.id")

			r = n.do("POST", "/api/user/registration", `{"user":{"email":"new@example.com"},"registration":{"id":"`+taken+`","applicationId":"`+a+`"}}`)
			assert.Equal(t, 400, r.Code)
			assert.JSONEq(t, duplicateRegistrationID, r.Body)
			assert.Equal(t, 404, n.do("GET", "/api/user?email=new@example.com", "").Code, "the combined create stores no user")

			own := rvStr(n.do("POST", "/api/user/registration/"+v, `{"registration":{"applicationId":"`+a+`"}}`).m(t, "registration"), "id")
			put := n.do("PUT", "/api/user/registration/"+v+"/"+a, `{"registration":{"id":"`+taken+`","applicationId":"`+a+`","timezone":"UTC"}}`).m(t, "registration")
			assert.Equal(t, own, rvStr(put, "id"), "PUT keeps the stored id")
			assert.Equal(t, own, rvStr(n.do("GET", "/api/user/registration/"+v+"/"+a, "").m(t, "registration"), "id"))
			assert.Equal(t, taken, rvStr(n.do("GET", "/api/user/registration/"+u+"/"+a, "").m(t, "registration"), "id"), "the first registration keeps its id")
		})
	}
}

// Registrations of different users created at once, from two instances,
// with one id: exactly one is stored; the others are 400 (after the 409 a
// lost race may answer, which a client retries).
func TestConcurrentRegistrationsWithOneID(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			nodes := rvNodes(t, k, 2)
			a := rvStr(nodes[0].do("POST", "/api/application", `{"application":{"name":"a"}}`).m(t, "application"), "id")
			const N = 8
			uids := make([]string, N)
			for i := range uids {
				uids[i] = rvStr(nodes[0].do("POST", "/api/user", fmt.Sprintf(`{"user":{"email":"r%d@example.com"}}`, i)).m(t, "user"), "id")
			}
			const shared = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
			out := make([]rvResp, N)
			var wg sync.WaitGroup
			for i := range N {
				wg.Go(func() {
					for range 20 {
						out[i] = nodes[i%2].do("POST", "/api/user/registration/"+uids[i], `{"registration":{"id":"`+shared+`","applicationId":"`+a+`"}}`)
						if out[i].Code != 409 {
							return
						}
					}
				})
			}
			wg.Wait()
			winner := -1
			for i, r := range out {
				switch r.Code {
				case 200:
					assert.Equal(t, -1, winner, "two registrations with one id were created")
					winner = i
				case 400:
					assert.JSONEq(t, duplicateRegistrationID, r.Body, "request %d", i)
				default:
					t.Errorf("request %d: %d %s", i, r.Code, r.Body)
				}
			}
			require.NotEqual(t, -1, winner, "no registration was created")
			for i, uid := range uids {
				r := nodes[0].do("GET", "/api/user/registration/"+uid+"/"+a, "")
				if i == winner {
					assert.Equal(t, shared, rvStr(r.m(t, "registration"), "id"))
				} else {
					assert.Equal(t, 404, r.Code, "a loser's registration was stored: %s", r.Body)
				}
			}
		})
	}
}
