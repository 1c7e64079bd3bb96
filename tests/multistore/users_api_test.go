package multistore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/httpadapter"
)

type rvNode struct {
	h   *httpadapter.Handler
	e   *authcore.Engine
	key string
}

type rvResp struct {
	Code int
	Body string
}

func (r rvResp) m(t *testing.T, key string) map[string]any {
	t.Helper()
	require.Equal(t, 200, r.Code, r.Body)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.Body), &v))
	o, _ := v[key].(map[string]any)
	require.NotNil(t, o, r.Body)
	return o
}

// rvNodes opens n engines on one database (as n processes would), each with
// its own handle, sharing one API key.
func rvNodes(t *testing.T, k storeKind, n int) []*rvNode {
	ctx := context.Background()
	open := k.open(t)
	var out []*rvNode
	key := "review-api-key-0123456789abcdef"
	for i := 0; i < n; i++ {
		e, err := authcore.New(ctx, open(t), authcore.WithLogger(rvLogger()))
		require.NoError(t, err)
		if i == 0 {
			_, _, err = e.CreateAPIKey(ctx, authcore.NewAPIKey{Key: key})
			require.NoError(t, err)
		}
		h, err := httpadapter.New(e)
		require.NoError(t, err)
		out = append(out, &rvNode{h: h, e: e, key: key})
	}
	return out
}

func (n *rvNode) do(method, path, body string, headers ...string) rvResp {
	var req = httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", n.key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	n.h.ServeHTTP(rec, req)
	return rvResp{rec.Code, rec.Body.String()}
}

// concurrentPatches sends n PATCHes of path at once, the i-th with body(i),
// alternating between the nodes, and returns their status codes; any other
// than 200 or 409 (a lost race the client may retry) is an error.
func concurrentPatches(t *testing.T, nodes []*rvNode, n int, path string, body func(i int) string) []int {
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			r := nodes[i%len(nodes)].do("PATCH", path, body(i))
			codes[i] = r.Code
			if r.Code != 200 && r.Code != 409 {
				t.Errorf("PATCH %d: %d %s", i, r.Code, r.Body)
			}
		})
	}
	wg.Wait()
	return codes
}

func rvStr(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// A role removed from the application (PUT of the application without it)
// is taken off every registration that held it.
func TestRemovedRoleStaysOnRegistrations(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			n := rvNodes(t, k, 1)[0]
			app := n.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"admin"},{"name":"user","isDefault":true}]}}`).m(t, "application")
			appID := rvStr(app, "id")
			u := n.do("POST", "/api/user", `{"user":{"email":"r@example.com"}}`).m(t, "user")
			uid := rvStr(u, "id")
			n.do("POST", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+appID+`","roles":["admin","user"]}}`).m(t, "registration")

			// Remove the admin role from the application.
			n.do("PUT", "/api/application/"+appID, `{"application":{"name":"a","roles":[{"name":"user","isDefault":true}]}}`).m(t, "application")

			reg := n.do("GET", "/api/user/registration/"+uid+"/"+appID, "").m(t, "registration")
			assert.Equal(t, []any{"user"}, reg["roles"], "a deleted role must not stay on registrations")

			// An unrelated change to the registration must still work.
			r := n.do("PATCH", "/api/user/registration/"+uid+"/"+appID, `{"registration":{"timezone":"UTC"}}`)
			assert.Equal(t, 200, r.Code, "PATCH of the timezone only: %s", r.Body)
		})
	}
}

// Two instances PATCH different data keys of one user at once: both must be kept.
func TestConcurrentUserPatches(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			nodes := rvNodes(t, k, 2)
			u := nodes[0].do("POST", "/api/user", `{"user":{"email":"p@example.com"}}`).m(t, "user")
			uid := rvStr(u, "id")
			const N = 20
			codes := concurrentPatches(t, nodes, N, "/api/user/"+uid, func(i int) string { return fmt.Sprintf(`{"user":{"data":{"k%d":true}}}`, i) })
			got := nodes[0].do("GET", "/api/user/"+uid, "").m(t, "user")
			data, _ := got["data"].(map[string]any)
			for i := 0; i < N; i++ {
				if codes[i] == 200 {
					assert.Contains(t, data, fmt.Sprintf("k%d", i), "lost update")
				}
			}
		})
	}
}

// Concurrent creates of one e-mail in different cases across instances.
func TestConcurrentCreateEmailCase(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			nodes := rvNodes(t, k, 3)
			const N = 24
			var wg sync.WaitGroup
			out := make([]rvResp, N)
			for i := 0; i < N; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					email := "Race@Example.com"
					if i%2 == 0 {
						email = "race@EXAMPLE.com"
					}
					if i%3 == 0 {
						out[i] = nodes[i%3].do("POST", "/api/user/registration", `{"user":{"email":"`+email+`"},"registration":{"applicationId":"00000000-0000-4000-8000-00000000dead"}}`)
						return
					}
					out[i] = nodes[i%3].do("POST", "/api/user", `{"user":{"email":"`+email+`"}}`)
				}(i)
			}
			wg.Wait()
			created := 0
			for i, r := range out {
				switch r.Code {
				case 200:
					created++
				case 400:
				default:
					t.Errorf("request %d: %d %s", i, r.Code, r.Body)
				}
			}
			assert.Equal(t, 1, created)
		})
	}
}

// Legacy PATCHes appending roles to one application concurrently.
func TestConcurrentApplicationRolePatches(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			nodes := rvNodes(t, k, 2)
			app := nodes[0].do("POST", "/api/application", `{"application":{"name":"a"}}`).m(t, "application")
			appID := rvStr(app, "id")
			const N = 10
			codes := concurrentPatches(t, nodes, N, "/api/application/"+appID, func(i int) string { return fmt.Sprintf(`{"application":{"roles":[{"name":"r%d"}]}}`, i) })
			got := nodes[0].do("GET", "/api/application/"+appID, "").m(t, "application")
			roles, _ := got["roles"].([]any)
			names := map[string]bool{}
			for _, r := range roles {
				names[r.(map[string]any)["name"].(string)] = true
			}
			for i := 0; i < N; i++ {
				if codes[i] == 200 {
					assert.True(t, names[fmt.Sprintf("r%d", i)], "lost role r%d", i)
				}
			}
		})
	}
}

// Registration creates racing a hard delete of the application.
func TestRegisterDuringApplicationDelete(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			nodes := rvNodes(t, k, 2)
			for round := 0; round < 5; round++ {
				app := nodes[0].do("POST", "/api/application", `{"application":{"name":"a"}}`).m(t, "application")
				appID := rvStr(app, "id")
				var uids []string
				for i := 0; i < 6; i++ {
					u := nodes[0].do("POST", "/api/user", fmt.Sprintf(`{"user":{"email":"u%d-%d@example.com"}}`, round, i)).m(t, "user")
					uids = append(uids, rvStr(u, "id"))
				}
				var wg sync.WaitGroup
				for i, uid := range uids {
					wg.Add(1)
					go func(i int, uid string) {
						defer wg.Done()
						r := nodes[i%2].do("POST", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+appID+`"}}`)
						if r.Code != 200 && r.Code != 400 && r.Code != 409 {
							t.Errorf("register: %d %s", r.Code, r.Body)
						}
					}(i, uid)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := nodes[1].do("DELETE", "/api/application/"+appID+"?hardDelete=true", "")
					if r.Code != 200 && r.Code != 409 {
						t.Errorf("delete app: %d %s", r.Code, r.Body)
					}
				}()
				wg.Wait()
				if nodes[0].do("GET", "/api/application/"+appID, "").Code == 404 {
					for _, uid := range uids {
						u := nodes[0].do("GET", "/api/user/"+uid, "").m(t, "user")
						assert.NotContains(t, u, "registrations", "orphan registration to a deleted application")
					}
				}
			}
		})
	}
}

// Deleting a tenant deletes its users (the SQL stores by cascade).
func TestTenantDeleteRemovesUsers(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			n := rvNodes(t, k, 1)[0]
			n.do("POST", "/api/tenant", `{"tenant":{"name":"keep"}}`).m(t, "tenant")
			tid := rvStr(n.do("POST", "/api/tenant", `{"tenant":{"name":"gone"}}`).m(t, "tenant"), "id")
			app := n.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"r","isDefault":true}]}}`, "X-FusionAuth-TenantId", tid).m(t, "application")
			u := n.do("POST", "/api/user/registration", `{"user":{"email":"t@example.com"},"registration":{"applicationId":"`+rvStr(app, "id")+`"}}`).m(t, "user")
			r := n.do("DELETE", "/api/tenant/"+tid, "")
			require.Equal(t, 200, r.Code, r.Body)
			assert.Equal(t, 404, n.do("GET", "/api/user/"+rvStr(u, "id"), "").Code)
			assert.Equal(t, 404, n.do("GET", "/api/application/"+rvStr(app, "id"), "").Code)
		})
	}
}

// FusionAuth: "Roles can only be created and deleted, only the role
// description may be modified." authcore lets a PUT rename a role that
// keeps its id (DECISIONS), and its registrations follow the new name.
func TestRenamedRoleOnRegistrations(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			n := rvNodes(t, k, 1)[0]
			app := n.do("POST", "/api/application", `{"application":{"name":"a","roles":[{"name":"admin"}]}}`).m(t, "application")
			appID := rvStr(app, "id")
			roleID := rvStr(app["roles"].([]any)[0].(map[string]any), "id")
			u := n.do("POST", "/api/user", `{"user":{"email":"r@example.com"}}`).m(t, "user")
			uid := rvStr(u, "id")
			n.do("POST", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+appID+`","roles":["admin"]}}`).m(t, "registration")
			r := n.do("PUT", "/api/application/"+appID, `{"application":{"name":"a","roles":[{"id":"`+roleID+`","name":"superuser"}]}}`)
			require.Equal(t, 200, r.Code, r.Body)
			reg := n.do("GET", "/api/user/registration/"+uid+"/"+appID, "").m(t, "registration")
			assert.Equal(t, []any{"superuser"}, reg["roles"], "the registration follows the role's new name")
		})
	}
}

// Users created in a tenant while it is deleted: no 500, nothing left behind.
func TestCreateUsersDuringTenantDelete(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			nodes := rvNodes(t, k, 2)
			nodes[0].do("POST", "/api/tenant", `{"tenant":{"name":"keep"}}`).m(t, "tenant")
			for round := 0; round < 5; round++ {
				tid := rvStr(nodes[0].do("POST", "/api/tenant", fmt.Sprintf(`{"tenant":{"name":"t%d"}}`, round)).m(t, "tenant"), "id")
				app := nodes[0].do("POST", "/api/application", `{"application":{"name":"a"}}`, "X-FusionAuth-TenantId", tid).m(t, "application")
				var wg sync.WaitGroup
				for i := 0; i < 8; i++ {
					wg.Add(1)
					go func(i int) {
						defer wg.Done()
						var r rvResp
						if i%2 == 0 {
							r = nodes[i%2].do("POST", "/api/user/registration", fmt.Sprintf(`{"user":{"email":"u%d@example.com"},"registration":{"applicationId":"%s"}}`, i, rvStr(app, "id")))
						} else {
							r = nodes[i%2].do("POST", "/api/application", `{"application":{"name":"b"}}`, "X-FusionAuth-TenantId", tid)
						}
						if r.Code >= 500 {
							t.Errorf("create %d: %d %s", i, r.Code, r.Body)
						}
					}(i)
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if r := nodes[1].do("DELETE", "/api/tenant/"+tid, ""); r.Code != 200 && r.Code != 409 { // a lost deadlock may be 409 [retryableConflict]
						t.Errorf("delete tenant: %d %s", r.Code, r.Body)
					}
				}()
				wg.Wait()
			}
		})
	}
}

func rvLogger() *slog.Logger {
	if os.Getenv("REVIEW_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// The Application Role API on every store: concurrent creates from two
// engines lose no role and store no name twice; a role's rename and delete
// reach the registrations.
func TestApplicationRoleAPIStores(t *testing.T) {
	for _, k := range kinds() {
		t.Run(k.name, func(t *testing.T) {
			nodes := rvNodes(t, k, 2)
			app := nodes[0].do("POST", "/api/application", `{"application":{"name":"a"}}`).m(t, "application")
			rolesPath := "/api/application/" + rvStr(app, "id") + "/role"
			const N = 8
			codes := make([]int, 2*N)
			var wg sync.WaitGroup
			for i := range codes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Two requests per name: exactly one of them may win.
					codes[i] = nodes[i%2].do("POST", rolesPath, fmt.Sprintf(`{"role":{"name":"r%d"}}`, i/2)).Code
				}()
			}
			wg.Wait()
			got := nodes[0].do("GET", "/api/application/"+rvStr(app, "id"), "").m(t, "application")
			roles, _ := got["roles"].([]any)
			count := map[string]int{}
			for _, r := range roles {
				count[r.(map[string]any)["name"].(string)]++
			}
			for i := 0; i < N; i++ {
				name := fmt.Sprintf("r%d", i)
				won := 0
				for _, c := range codes[2*i : 2*i+2] {
					assert.Contains(t, []int{200, 400, 409}, c)
					if c == 200 {
						won++
					}
				}
				assert.Equal(t, won, count[name], "role %s: %d creates answered 200, stored %d times", name, won, count[name])
				assert.LessOrEqual(t, count[name], 1)
			}

			r0 := nodes[0].do("POST", rolesPath, `{"role":{"name":"admin"}}`).m(t, "role")
			u := nodes[0].do("POST", "/api/user", `{"user":{"email":"roles@example.com"}}`).m(t, "user")
			uid := rvStr(u, "id")
			nodes[0].do("POST", "/api/user/registration/"+uid, `{"registration":{"applicationId":"`+rvStr(app, "id")+`","roles":["admin"]}}`).m(t, "registration")
			nodes[1].do("PUT", rolesPath+"/"+rvStr(r0, "id"), `{"role":{"name":"owner"}}`).m(t, "role")
			reg := nodes[0].do("GET", "/api/user/registration/"+uid+"/"+rvStr(app, "id"), "").m(t, "registration")
			assert.Equal(t, []any{"owner"}, reg["roles"])
			require.Equal(t, 200, nodes[1].do("DELETE", rolesPath+"?name=owner", "").Code)
			reg = nodes[0].do("GET", "/api/user/registration/"+uid+"/"+rvStr(app, "id"), "").m(t, "registration")
			assert.Empty(t, reg["roles"])
		})
	}
}
