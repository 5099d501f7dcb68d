print("chatbundle")
