package authcore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/authcore/authcore/integration"
	"github.com/authcore/authcore/integration/cleanspeak"
)

// Event types authcore records (FusionAuth's webhook event types).
const (
	EventUserCreate                 = "user.create"
	EventUserUpdate                 = "user.update"
	EventUserDelete                 = "user.delete"
	EventUserDeactivate             = "user.deactivate"
	EventUserReactivate             = "user.reactivate"
	EventUserRegistrationCreate     = "user.registration.create"
	EventUserRegistrationUpdate     = "user.registration.update"
	EventUserRegistrationDelete     = "user.registration.delete"
	EventUserLoginSuccess           = "user.login.success"
	EventUserLoginFailed            = "user.login.failed"
	EventUserIdentityProviderLink   = "user.identity-provider.link"
	EventUserIdentityProviderUnlink = "user.identity-provider.unlink"
	EventJWTRefresh                 = "jwt.refresh"
	EventJWTRefreshTokenRevoke      = "jwt.refresh-token.revoke"

	// The non-transactional events FusionAuth sends once the transaction
	// of the event they are named after has completed.
	EventUserCreateComplete             = "user.create.complete"
	EventUserUpdateComplete             = "user.update.complete"
	EventUserDeleteComplete             = "user.delete.complete"
	EventUserRegistrationCreateComplete = "user.registration.create.complete"
	EventUserRegistrationUpdateComplete = "user.registration.update.complete"
	EventUserRegistrationDeleteComplete = "user.registration.delete.complete"
)

// completeEvents maps an event to the ".complete" event that follows it,
// with the same body.
var completeEvents = map[string]string{
	EventUserCreate:             EventUserCreateComplete,
	EventUserUpdate:             EventUserUpdateComplete,
	EventUserDelete:             EventUserDeleteComplete,
	EventUserRegistrationCreate: EventUserRegistrationCreateComplete,
	EventUserRegistrationUpdate: EventUserRegistrationUpdateComplete,
	EventUserRegistrationDelete: EventUserRegistrationDeleteComplete,
}

// Event is FusionAuth's webhook event, published as {"event": Event}. The
// fields each type carries follow FusionAuth's event documentation and the
// client libraries' domain (UserCreateEvent, UserLoginSuccessEvent, …);
// absent fields are omitted. authcore publishes no credential: an
// identity-provider link goes out without its token and data, and
// jwt.refresh without the tokens FusionAuth includes (anyone who can read
// the topic could otherwise act as the user).
type Event struct {
	Type          string     `json:"type"`
	ID            string     `json:"id"`
	CreateInstant int64      `json:"createInstant"`
	TenantID      string     `json:"tenantId,omitempty"`
	Info          *EventInfo `json:"info,omitempty"`

	ApplicationID        string                `json:"applicationId,omitempty"`
	AuthenticationType   string                `json:"authenticationType,omitempty"`
	IdentityProviderID   string                `json:"identityProviderId,omitempty"`
	IdentityProviderName string                `json:"identityProviderName,omitempty"`
	IdentityProviderLink *IdentityProviderLink `json:"identityProviderLink,omitempty"`
	// IPAddress is the deprecated top-level copy of info.ipAddress that
	// FusionAuth still sends on login events.
	IPAddress string `json:"ipAddress,omitempty"`
	// Original is the user before a user.update. The registration before a
	// user.registration.update is OriginalRegistration; both are "original"
	// on the wire, as in FusionAuth.
	Original             *User              `json:"original,omitempty"`
	OriginalRegistration *UserRegistration  `json:"-"`
	Reason               *LoginFailedReason `json:"reason,omitempty"`
	RefreshToken         *RefreshTokenInfo  `json:"refreshToken,omitempty"`
	Registration         *UserRegistration  `json:"registration,omitempty"`
	User                 *User              `json:"user,omitempty"`
	UserID               string             `json:"userId,omitempty"`
	// ApplicationTimeToLiveInSeconds maps each application whose refresh
	// tokens were revoked to its access-token lifetime, so a consumer knows
	// how long tokens already issued stay valid.
	ApplicationTimeToLiveInSeconds map[string]int `json:"applicationTimeToLiveInSeconds,omitempty"`
}

// eventJSON is Event without its methods, for MarshalJSON and UnmarshalJSON.
type eventJSON Event

// MarshalJSON writes OriginalRegistration as "original" when it is set.
func (ev Event) MarshalJSON() ([]byte, error) {
	if ev.OriginalRegistration == nil {
		return json.Marshal(eventJSON(ev))
	}
	// The outer field hides the embedded one: encoding/json takes the
	// shallower of two fields with the same name.
	return json.Marshal(struct {
		eventJSON
		Original *UserRegistration `json:"original"`
	}{eventJSON(ev), ev.OriginalRegistration})
}

// UnmarshalJSON reads "original" as a registration for
// user.registration.update (and its .complete) and as a user otherwise.
func (ev *Event) UnmarshalJSON(b []byte) error {
	var plain eventJSON
	if err := unmarshalNumbers(b, &plain); err != nil {
		return err
	}
	*ev = Event(plain)
	if ev.Type != EventUserRegistrationUpdate && ev.Type != EventUserRegistrationUpdateComplete {
		return nil
	}
	var orig struct {
		Original *UserRegistration `json:"original"`
	}
	if err := unmarshalNumbers(b, &orig); err != nil {
		return err
	}
	ev.Original, ev.OriginalRegistration = nil, orig.Original
	return nil
}

// EventInfo is event.info: where the change came from. A request body's
// eventInfo (FusionAuth's, on the User and Registration APIs) has the same
// shape.
type EventInfo struct {
	Data              map[string]any `json:"data,omitempty"`
	DeviceDescription string         `json:"deviceDescription,omitempty"`
	DeviceName        string         `json:"deviceName,omitempty"`
	DeviceType        string         `json:"deviceType,omitempty"`
	IPAddress         string         `json:"ipAddress,omitempty"`
	Location          *EventLocation `json:"location,omitempty"`
	OS                string         `json:"os,omitempty"`
	UserAgent         string         `json:"userAgent,omitempty"`
}

// EventLocation is event.info.location, as the calling app gives it.
type EventLocation struct {
	City          string   `json:"city,omitempty"`
	Country       string   `json:"country,omitempty"`
	DisplayString string   `json:"displayString,omitempty"`
	Latitude      *float64 `json:"latitude,omitempty"`
	Longitude     *float64 `json:"longitude,omitempty"`
	Region        string   `json:"region,omitempty"`
	Zipcode       string   `json:"zipcode,omitempty"`
}

// WithRequestEventInfo lets a request body's eventInfo stand in, field by
// field, for the event info the adapter read off the HTTP request: the API
// is called by an app on behalf of its user, so the request's own address
// and User-Agent are the app's, and the body says whose they really are.
// A nil body leaves ctx as it is. The create, update and patch requests'
// EventInfo is applied by the engine; the calls that take no request body
// (DeleteUser, DeactivateUser, DeleteRegistration) take it from ctx, so a
// caller with FusionAuth's delete bodies (UserDeleteSingleRequest,
// RegistrationDeleteRequest) passes their eventInfo through this.
func WithRequestEventInfo(ctx context.Context, body *EventInfo) context.Context {
	if body == nil {
		return ctx
	}
	return WithEventInfo(ctx, overEventInfo(*eventInfoFrom(ctx), body))
}

// overEventInfo is info with each field the body sets in its place (a nil
// body changes nothing).
func overEventInfo(info EventInfo, body *EventInfo) EventInfo {
	if body == nil {
		return info
	}
	if body.Data != nil {
		info.Data = body.Data
	}
	info.DeviceDescription = cmp.Or(body.DeviceDescription, info.DeviceDescription)
	info.DeviceName = cmp.Or(body.DeviceName, info.DeviceName)
	info.DeviceType = cmp.Or(body.DeviceType, info.DeviceType)
	info.IPAddress = cmp.Or(body.IPAddress, info.IPAddress)
	if body.Location != nil {
		info.Location = body.Location
	}
	info.OS = cmp.Or(body.OS, info.OS)
	info.UserAgent = cmp.Or(body.UserAgent, info.UserAgent)
	return info
}

// LoginFailedReason is event.reason of user.login.failed. Codes are
// authcore's (FusionAuth documents none for identity-provider logins):
// LoginFailed* below.
type LoginFailedReason struct {
	Code     string `json:"code"`
	LambdaID string `json:"lambdaId,omitempty"`
}

// user.login.failed reason codes.
const (
	LoginFailedCredentials         = "credentials"         // Twitter refused the tokens
	LoginFailedProviderUnavailable = "providerUnavailable" // Twitter could not be asked
	LoginFailedUserExpired         = "userExpired"
	LoginFailedLoginPrevented      = "loginPrevented" // inactive user
	LoginFailedLambda              = "lambdaError"
	LoginFailedLinking             = "linking" // the linking strategy refused (takeover guard, link limit, no user)
	LoginFailedModeration          = "moderationRejected"
)

// eventInfoKey carries the request's EventInfo in a context.
type eventInfoKey struct{}

// WithEventInfo returns ctx carrying info, which events recorded during the
// request use when the operation itself knows no better (the HTTP adapter
// puts the caller's address and User-Agent there; a login's and a
// refresh's events take the user agent from it).
func WithEventInfo(ctx context.Context, info EventInfo) context.Context {
	return context.WithValue(ctx, eventInfoKey{}, info)
}

func eventInfoFrom(ctx context.Context) *EventInfo {
	if info, ok := ctx.Value(eventInfoKey{}).(EventInfo); ok {
		return &info
	}
	return &EventInfo{}
}

// Publisher delivers events somewhere. Publish gets events in outbox order
// and returns how many of them, from the first, were delivered; err says
// why the rest were not. The relay acknowledges only what every publisher
// delivered, and offers the rest again later. Publish should return once
// ctx ends: the relay holds the events under a lease, and ends ctx while
// the lease still runs so that no other relay publishes them meanwhile.
type Publisher interface {
	Publish(ctx context.Context, events []*OutboxEvent) (int, error)
}

// KafkaPublisher is the Publisher that integrations.kafka configures
// (package events/kafka implements it on franz-go). The relay calls
// Configure with the current settings before the first Publish and again
// whenever they change (the integrations API, or another engine on the same
// database); enabled false means: stop, and release the connection.
type KafkaPublisher interface {
	Publisher
	// Configure returns the producer keys it does not apply.
	Configure(ctx context.Context, cfg integration.Kafka) (ignored []string, err error)
	Close() error
}

// EventSubscriber is an in-process subscriber: a Go func the relay calls
// for each event in order. An error stops delivery there; the event is
// offered again later (at least once), until RelayConfig.PoisonAttempts
// sets aside an event it keeps refusing while it takes later ones.
type EventSubscriber func(ctx context.Context, ev Event) error

// WithEventSubscriber adds an in-process subscriber. Engines with a
// subscriber record events; RunRelay delivers them. Run RunRelay: until it
// runs, events wait in the store's outbox, which grows with every change.
// While integrations.kafka is enabled, an engine also needs
// WithKafkaPublisher for its subscribers to get anything.
func WithEventSubscriber(fn EventSubscriber) Option {
	return func(e *Engine) error {
		if fn == nil {
			return errors.New("authcore: WithEventSubscriber(nil)")
		}
		e.ext.publishers = append(e.ext.publishers, subscriberPublisher(fn))
		return nil
	}
}

// WithPublisher adds a publisher that receives every event, from RunRelay
// (as for WithEventSubscriber, events wait in the outbox until it runs).
func WithPublisher(p Publisher) Option {
	return func(e *Engine) error {
		if p == nil {
			return errors.New("authcore: WithPublisher(nil)")
		}
		e.ext.publishers = append(e.ext.publishers, p)
		return nil
	}
}

// WithKafkaPublisher gives the relay its Kafka publisher, used while
// integrations.kafka.enabled. RunRelay configures it, and closes it when it
// returns.
//
// While Kafka is enabled, the relay of an engine without one delivers
// nothing, to its subscribers and publishers neither: events are
// acknowledged only once Kafka has them too, so it leaves the outbox to an
// engine on the same database that has a Kafka publisher, and logs a
// warning. An app that enables Kafka (UpdateIntegrations, or the API) gives
// its engines this option.
func WithKafkaPublisher(p KafkaPublisher) Option {
	return func(e *Engine) error {
		if p == nil {
			return errors.New("authcore: WithKafkaPublisher(nil)")
		}
		e.ext.kafka = p
		return nil
	}
}

// WithCleanSpeakClient sets the client that talks to CleanSpeak (its
// transport and timeout); the URL and API key come from the integrations.
func WithCleanSpeakClient(c *cleanspeak.Client) Option {
	return func(e *Engine) error {
		if c == nil {
			return errors.New("authcore: WithCleanSpeakClient(nil)")
		}
		e.ext.cleanspeak = c
		return nil
	}
}

// engineExt is the engine's state for events and integrations.
type engineExt struct {
	publishers []Publisher
	kafka      KafkaPublisher
	relay      RelayConfig
	cleanspeak *cleanspeak.Client

	// integrations caches the stored integrations (cachedIntegrations).
	integrations atomic.Pointer[cachedIntegrations]
	// reads spaces out the reads of the integrations while they fail
	// (integrationsread.go).
	reads readGate
	// writingIntegrations is held by this engine's integration writes
	// from the store write to the cache update (integrationsChanged), so
	// the cache is updated in the order the store was written and ends on
	// the value the store holds.
	writingIntegrations sync.Mutex
	// changed wakes a running relay when this engine changed the
	// integrations.
	changed chan struct{}
	once    sync.Once
}

type cachedIntegrations struct {
	in integration.Integrations
	at time.Time
	// gen counts this engine's integration writes up to the one in holds.
	// A refresh stores what it read only while gen is what it was when the
	// read began: a write cached since may be newer than what it read.
	gen uint64
	// version is the store's configuration version (ConfigVersioner), read
	// before in was: in is at least as new as that version. versioned is
	// false when the store has none, or the copy is this engine's own write
	// (whose version is not known without a read).
	version   int64
	versioned bool
}

// integrationsTTL is how long a cached copy of the integrations is used
// before an operation reads it again, with a store that cannot tell its
// configuration version (or while its version cannot be read): how long
// another engine's change takes to reach this one. With one that can, the
// copy is kept for as long as the version stays the same, and nothing is
// read on a timer.
const integrationsTTL = time.Second

func (x *engineExt) init() {
	x.once.Do(func() {
		x.changed = make(chan struct{}, 1)
	})
}

// startEvents prepares the engine's event state and loads the integrations,
// so that the first request knows whether to record events.
func (e *Engine) startEvents(ctx context.Context) error {
	e.ext.init()
	if e.ext.cleanspeak == nil {
		c, err := cleanspeak.NewClient()
		if err != nil {
			return err
		}
		e.ext.cleanspeak = c
	}
	_, err := e.refreshIntegrations(ctx)
	return err
}

// refreshIntegrations reads the integrations from the store (outside any
// transaction) into the cache, and returns what the cache then holds: when
// this engine wrote the integrations while the read ran, the read may have
// seen the value before that write, so the write's value is kept; so is a
// copy another refresh read at a later configuration version.
func (e *Engine) refreshIntegrations(ctx context.Context) (integration.Integrations, error) {
	var gen uint64
	if c := e.ext.integrations.Load(); c != nil {
		gen = c.gen
	}
	next := &cachedIntegrations{gen: gen}
	if cv, ok := e.store.(ConfigVersioner); ok {
		// Before the integrations, so that they are no older than the
		// version they are kept for.
		if v, err := cv.ConfigVersion(ctx); err == nil {
			next.version, next.versioned = v, true
		}
	}
	in, err := e.loadIntegrations(ctx, e.store)
	if err != nil {
		return integration.Integrations{}, err
	}
	next.in, next.at = in, e.now()
	for {
		cur := e.ext.integrations.Load()
		if cur != nil && cur.gen != gen {
			return cur.in, nil
		}
		if cur != nil && cur.versioned && next.versioned && cur.version > next.version {
			// Another refresh that read a later version ended first (a
			// background one is often preempted): what it holds is newer,
			// and callers of integrationsAt may have acted on it already.
			// Versions only grow, as configSnapshot assumes too.
			return cur.in, nil
		}
		if e.ext.integrations.CompareAndSwap(cur, next) {
			return in, nil
		}
	}
}

// currentIntegrations returns the cached integrations, reading them again
// first when the copy is stale: when the store's configuration version
// moved since it was read, or, with a store that has none or whose version
// read failed, after integrationsTTL. Call it outside a transaction: inside
// one, use cachedIntegrationsNoWait.
func (e *Engine) currentIntegrations(ctx context.Context) integration.Integrations {
	if cv, ok := e.store.(ConfigVersioner); ok {
		if v, err := cv.ConfigVersion(ctx); err == nil {
			return e.integrationsAt(ctx, v)
		}
	}
	c := e.ext.integrations.Load()
	if c != nil && e.integrationsFresh(c) {
		return c.in
	}
	return e.reloadIntegrations(ctx, c)
}

// integrationsAt returns the integrations as of the store's configuration
// version v (or newer), reading them again when the cached copy was read at
// another version. Every engine operation that may record an event or ask
// CleanSpeak calls it (through syncIntegrations, currentIntegrations or
// configSnapshot) before its transaction, which then reads the copy with
// cachedIntegrationsNoWait: so another engine's change to the integrations
// is seen by the next operation that starts after its commit. Outside a
// transaction only.
func (e *Engine) integrationsAt(ctx context.Context, v int64) integration.Integrations {
	c := e.ext.integrations.Load()
	if c != nil && c.versioned && c.version == v {
		return c.in
	}
	return e.reloadIntegrations(ctx, c)
}

// syncIntegrations brings the cached integrations up to date
// (currentIntegrations) for an operation that reads the configuration
// version nowhere else, before its transaction reads the copy.
func (e *Engine) syncIntegrations(ctx context.Context) {
	e.currentIntegrations(ctx)
}

// cachedIntegrationsNoWait returns the cached integrations without reading
// the store, which a caller inside a transaction must not do (a store may
// lock the integrations row, or its own lock). The operation brought them up
// to date before its transaction began (syncIntegrations, configSnapshot or
// newModeration), so nothing is read here, in the background neither.
func (e *Engine) cachedIntegrationsNoWait() integration.Integrations {
	if c := e.ext.integrations.Load(); c != nil {
		return c.in
	}
	return integration.Defaults()
}

// integrationsFresh reports whether c is younger than integrationsTTL on the
// engine's clock, so that a test's clock decides when it goes stale. A clock
// set back before c was read makes it stale rather than fresh for longer.
func (e *Engine) integrationsFresh(c *cachedIntegrations) bool {
	age := e.now().Sub(c.at)
	return age >= 0 && age < integrationsTTL
}

// integrationsChanged is called after this engine stored new integrations,
// with writingIntegrations held since before the store write. It caches a
// copy: the caller returns in to its own caller, whose changes to the
// producer map or the application ids must not reach the relay, which reads
// the cache from its own goroutine.
func (e *Engine) integrationsChanged(in integration.Integrations) {
	var gen uint64
	if c := e.ext.integrations.Load(); c != nil {
		gen = c.gen
	}
	e.ext.integrations.Store(&cachedIntegrations{in: in.Clone(), at: e.now(), gen: gen + 1})
	select {
	case e.ext.changed <- struct{}{}:
	default:
	}
}

// recordingEvents reports whether events are recorded: when this engine
// has a publisher or subscriber, or Kafka is enabled (another engine's
// relay may drain what this one records).
func (e *Engine) recordingEvents() bool {
	return len(e.ext.publishers) > 0 || e.cachedIntegrationsNoWait().Kafka.Enabled
}

// emit records ev in the outbox through tx, in the transaction that makes
// the change ev describes. It fills the id, instant and info. An event
// FusionAuth follows with a ".complete" event (user.create.complete, …)
// is followed by it here too, with the same body and an id of its own:
// the relay publishes only what committed, so it goes out once the
// transaction has completed, as FusionAuth's does.
func (e *Engine) emit(ctx context.Context, tx Store, ev Event) error {
	if !e.recordingEvents() {
		return nil
	}
	ev.ID = uuid.NewString()
	ev.CreateInstant = e.instant()
	if ev.Info == nil {
		ev.Info = eventInfoFrom(ctx)
	}
	key := ev.UserID
	if ev.User != nil {
		key = ev.User.ID
	}
	if key == "" {
		key = ev.TenantID
	}
	out, err := outboxEvent(ev, key)
	if err != nil {
		return err
	}
	complete, ok := completeEvents[ev.Type]
	if !ok {
		return tx.AppendOutbox(ctx, out)
	}
	ev.Type, ev.ID = complete, uuid.NewString()
	done, err := outboxEvent(ev, key)
	if err != nil {
		return err
	}
	return tx.AppendOutbox(ctx, out, done)
}

// outboxEvent is ev as the outbox keeps it: {"event": ev} under key.
func outboxEvent(ev Event, key string) (*OutboxEvent, error) {
	payload, err := json.Marshal(struct {
		Event Event `json:"event"`
	}{ev})
	if err != nil {
		return nil, fmt.Errorf("authcore: encode event %s: %w", ev.Type, err)
	}
	return &OutboxEvent{ID: ev.ID, Type: ev.Type, Key: key, Payload: payload, InsertInstant: ev.CreateInstant}, nil
}

// emitOwn records ev in a transaction of its own, for an event about
// something that did not happen (a refused login): the refusal wrote
// nothing, but the event must still be recorded. A failure is logged, never
// returned: it must not replace the refusal the caller reports.
func (e *Engine) emitOwn(ctx context.Context, ev Event) {
	if !e.recordingEvents() {
		return
	}
	// The request may be over (a refusal is still recorded), so the write
	// does not end with it; a lost race runs it again like any other write.
	err := e.inTx(context.WithoutCancel(ctx), func(ctx context.Context, tx Store) error {
		return e.emit(ctx, tx, ev)
	})
	if err != nil {
		e.log.WarnContext(ctx, "event not recorded", "type", ev.Type, "error", err)
	}
}

// eventUser is the user as events carry it: without registrations (events
// that concern one registration carry it beside the user).
func eventUser(u *User) *User {
	if u == nil {
		return nil
	}
	c := *u
	c.Registrations = nil
	return &c
}

// eventLink is a link without the identity provider's credentials.
func eventLink(l *IdentityProviderLink) *IdentityProviderLink {
	if l == nil {
		return nil
	}
	c := *l
	c.Token, c.Data = "", nil
	return &c
}

// requestUserAgent is the User-Agent that WithEventInfo put in ctx.
func requestUserAgent(ctx context.Context) string {
	info, _ := ctx.Value(eventInfoKey{}).(EventInfo)
	return info.UserAgent
}

// loginInfo is event.info of a login request: the request's address
// (eventInfo's, else the body's, else the caller's: IdentityProviderLogin
// settles it into ip), the body's eventInfo field by field over its
// deprecated metaData.device and the caller's user agent.
func loginInfo(ctx context.Context, ip string, md *LoginMetaData, body *EventInfo) *EventInfo {
	info := EventInfo{IPAddress: ip, UserAgent: requestUserAgent(ctx)}
	if md != nil && md.Device != nil {
		info.DeviceDescription = md.Device.Description
		info.DeviceName = md.Device.Name
		info.DeviceType = md.Device.Type
	}
	// Its ipAddress, when set, is already ip (IdentityProviderLogin).
	info = overEventInfo(info, body)
	return &info
}

// subscriberPublisher adapts an EventSubscriber to a Publisher.
type subscriberPublisher EventSubscriber

func (s subscriberPublisher) Publish(ctx context.Context, events []*OutboxEvent) (int, error) {
	for i, oe := range events {
		if err := ctx.Err(); err != nil {
			// The relay's deadline passed: the lease it holds the events
			// under may end before another subscriber call would.
			return i, err
		}
		var doc struct {
			Event Event `json:"event"`
		}
		if err := json.Unmarshal(oe.Payload, &doc); err != nil {
			return i, fmt.Errorf("authcore: decode event %s: %w", oe.ID, err)
		}
		if err := callSubscriber(ctx, EventSubscriber(s), doc.Event); err != nil {
			return i, err
		}
	}
	return len(events), nil
}

// callSubscriber turns a subscriber's panic into an error, so one bad
// subscriber cannot stop the relay.
func callSubscriber(ctx context.Context, fn EventSubscriber, ev Event) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("authcore: event subscriber panicked: %v", p)
		}
	}()
	return fn(ctx, ev)
}
