module github.com/authcore/authcore

go 1.24
