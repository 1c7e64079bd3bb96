module github.com/authcore/authcore

go 1.24

require (
	github.com/dghubble/oauth1 v0.7.3
	github.com/evanphx/json-patch/v5 v5.9.11
	github.com/google/uuid v1.6.0
	github.com/stretchr/testify v1.12.1
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
