{a [a (a {a [a (a {a [a (a {a [a (a {a [a (a {a [a (a {a [a (a {a [a (a {a [a (a {a [a (a {a [a (a {a [a (a {1 {"s" {a.b {1 {"s" {a.b {1 {"s" {a.b {1 {"s" {a.b {1 {"s" {a.b {1 {"s" {a.b 
