# engine/lang/obj.mk: see lang.mk.
