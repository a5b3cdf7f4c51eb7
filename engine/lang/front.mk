# engine/lang/front.mk: see lang.mk.
