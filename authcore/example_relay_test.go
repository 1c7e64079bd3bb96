package authcore_test

import (
	"context"
	"fmt"

	"github.com/authcore/authcore/authcore"
	"github.com/authcore/authcore/store/memstore"
)

// Events reach an in-process subscriber through the relay, which runs until
// its context ends; cancelling it is how an embedder stops it (the engine
// itself has nothing to close).
func ExampleEngine_RunRelay() {
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan authcore.Event, 1)
	engine, _ := authcore.New(ctx, memstore.New(), quiet(),
		authcore.WithEventSubscriber(func(ctx context.Context, ev authcore.Event) error {
			got <- ev
			return nil
		}))
	done := make(chan error)
	go func() { done <- engine.RunRelay(ctx) }()

	user, _ := engine.CreateUser(ctx, "", authcore.UserRequest{User: authcore.UserInput{Email: "ada@example.com"}})
	ev := <-got
	fmt.Println(ev.Type, ev.User.ID == user.ID)

	cancel()
	fmt.Println(<-done)
	// Output:
	// user.create true
	// <nil>
}
